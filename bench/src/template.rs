//! What `template.yaml` (the SAM template) says about a function: its memory size and the
//! environment variables it sets with plain values, which the bench's starts get too.

use std::path::Path;

use serde_yaml::Value;

use crate::Fallible;

#[derive(Debug, Clone)]
pub struct Template(Value);

impl Template {
    pub fn load(path: &Path) -> Fallible<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Ok(Self(serde_yaml::from_str(&text)?))
    }

    /// The `MemorySize` of the function whose binary is `binary`: its own, else the Globals'.
    pub fn memory_size(&self, binary: &str) -> Option<u64> {
        let size = |properties: &Value| properties.get("MemorySize").and_then(Value::as_u64);
        self.properties(binary)
            .and_then(size)
            .or_else(|| self.globals().and_then(size))
    }

    /// The variables the Globals and the function set to plain strings (those set with `!Ref`
    /// come from the stack's parameters, which a local run does not have).
    pub fn environment(&self, binary: &str) -> Vec<(String, String)> {
        let variables = |properties: &Value| {
            properties
                .get("Environment")
                .and_then(|e| e.get("Variables"))
                .and_then(Value::as_mapping)
                .into_iter()
                .flatten()
                .filter_map(|(key, value)| match value {
                    // Not `as_str`, which would also read the name inside a `!Ref`.
                    Value::String(value) => Some((key.as_str()?.to_string(), value.clone())),
                    _ => None,
                })
                .collect::<Vec<(String, String)>>()
        };
        let mut env: Vec<(String, String)> = self.globals().map(variables).unwrap_or_default();
        env.extend(self.properties(binary).map(variables).unwrap_or_default());
        env
    }

    fn globals(&self) -> Option<&Value> {
        self.0.get("Globals").and_then(|g| g.get("Function"))
    }

    fn properties(&self, binary: &str) -> Option<&Value> {
        self.0
            .get("Resources")
            .and_then(Value::as_mapping)
            .into_iter()
            .flat_map(|resources| resources.values())
            .find(|resource| {
                resource
                    .get("Metadata")
                    .and_then(|m| m.get("BuildProperties"))
                    .and_then(|b| b.get("Binary"))
                    .and_then(Value::as_str)
                    == Some(binary)
            })
            .and_then(|resource| resource.get("Properties"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "\
Globals:
  Function:
    MemorySize: 256
    Environment:
      Variables:
        SECRET: !Ref X
        SHARED: one
Resources:
  A:
    Metadata:
      BuildProperties:
        Binary: seed
    Properties:
      MemorySize: 512
      Environment:
        Variables:
          OWN: two
  B:
    Metadata:
      BuildProperties:
        Binary: movies
    Properties: {}
";

    #[test]
    fn a_functions_own_settings_join_the_globals() {
        let template = Template(serde_yaml::from_str(TEMPLATE).unwrap());
        assert_eq!(template.memory_size("seed"), Some(512));
        assert_eq!(template.memory_size("movies"), Some(256));
        let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
        assert_eq!(
            template.environment("seed"),
            vec![pair("SHARED", "one"), pair("OWN", "two")]
        );
        assert_eq!(template.environment("movies"), vec![pair("SHARED", "one")]);
    }
}
