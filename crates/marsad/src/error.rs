//! User errors (bad input or arguments: exit code 2) versus internal errors.

use std::fmt;

/// An error caused by the user (bad arguments, missing path); printed without
/// a backtrace and mapped to exit code 2.
#[derive(Debug)]
pub struct UserError(pub String);

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UserError {}

/// Shorthand: `Err(user(format!(..)))?`.
pub fn user(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UserError(msg.into()))
}
