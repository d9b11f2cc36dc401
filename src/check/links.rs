//! (rule family under construction)

use super::Context;
use crate::diagnostics::Finding;

pub fn check(_cx: &Context) -> Vec<Finding> {
    Vec::new()
}
