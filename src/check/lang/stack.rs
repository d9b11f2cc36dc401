//! Deep input: the parsers that recurse on nesting (rustpython, regorus) run on a thread with a
//! big stack, and texts too long to parse safely are not parsed.

/// Stack for the parsers that recurse on nesting (rustpython, regorus), so deeply nested input
/// cannot overflow a worker thread's stack. The OS commits it only as it is used.
const PARSER_STACK: usize = 256 << 20;

/// Python and Rego texts longer than this are not parsed (and get no finding): nesting in
/// longer text could recurse deeper than [`PARSER_STACK`]. Code blocks and cells are far smaller.
pub const MAX_PARSE_BYTES: usize = 256 << 10;

/// Runs `f` on a thread with [`PARSER_STACK`]; `None` if the thread cannot start or panics.
pub fn on_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> Option<T> {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(PARSER_STACK)
            .spawn_scoped(s, f)
            .ok()?
            .join()
            .ok()
    })
}
