//! Starting a release function binary as Lambda does: a clean environment with the Lambda
//! variables, pointed at one of our Runtime APIs.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;

use crate::template::Template;
use crate::Fallible;

/// Spawns `binary` (function `name`) against the Runtime API at `api`, with the variables
/// `template.yaml` sets for it, `env` and nothing else, in `work_dir` (so no `.env` of the
/// checkout leaks in). Its logs go nowhere: writing them is part of the cost measured, reading
/// them is not.
pub fn spawn(
    binary: &Path,
    name: &str,
    api: SocketAddr,
    env: &[(String, String)],
    work_dir: &Path,
    template: &Template,
) -> Fallible<tokio::process::Child> {
    let mut command = tokio::process::Command::new(binary);
    command
        .env_clear()
        .envs(template.environment(name))
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("AWS_LAMBDA_RUNTIME_API", api.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", name)
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{name}"))
        .current_dir(work_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    command
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()).into())
}
