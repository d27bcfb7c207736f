//! The SAM template as data: which function serves which route in AWS.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn template() -> serde_yaml::Value {
    let text = std::fs::read_to_string(root().join("template.yaml")).expect("template.yaml");
    serde_yaml::from_str(&text).expect("template.yaml is YAML")
}

/// (function binary, METHOD, path) for every HttpApi event of the template.
pub fn template_routes() -> BTreeSet<(String, String, String)> {
    let template = template();
    let mut routes = BTreeSet::new();
    for (_, resource) in template["Resources"].as_mapping().expect("Resources") {
        if resource["Type"] != "AWS::Serverless::Function" {
            continue;
        }
        let binary = resource["Metadata"]["BuildProperties"]["Binary"]
            .as_str()
            .expect("Binary")
            .to_string();
        let Some(events) = resource["Properties"]["Events"].as_mapping() else {
            continue;
        };
        for (_, event) in events {
            if event["Type"] == "HttpApi" {
                let props = &event["Properties"];
                routes.insert((
                    binary.clone(),
                    props["Method"].as_str().expect("Method").to_string(),
                    props["Path"].as_str().expect("Path").to_string(),
                ));
            }
        }
    }
    routes
}

/// A template path in matchit's syntax (the gateway stand-in's and `cargo lambda watch`'s):
/// API Gateway's greedy `{name+}` is matchit's catch-all `{*name}`; other parameters are the same.
pub fn matchit_path(template_path: &str) -> String {
    let mut path = String::with_capacity(template_path.len());
    for (index, segment) in template_path.split('/').enumerate() {
        if index > 0 {
            path.push('/');
        }
        match segment
            .strip_prefix('{')
            .and_then(|rest| rest.strip_suffix("+}"))
        {
            Some(name) => {
                path.push_str("{*");
                path.push_str(name);
                path.push('}');
            }
            None => path.push_str(segment),
        }
    }
    path
}

#[cfg(test)]
mod tests {
    #[test]
    fn greedy_parameters_become_catch_alls() {
        assert_eq!(super::matchit_path("/3/{proxy+}"), "/3/{*proxy}");
        assert_eq!(
            super::matchit_path("/movies/{id}/credits"),
            "/movies/{id}/credits"
        );
    }
}
