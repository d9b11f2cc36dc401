//! The one list of shell code-block languages: which info strings are shell scripts and which are
//! console transcripts (`$ `-prompted commands mixed with their output).
//!
//! Decisions: matching ignores ASCII case (the loaders lower-case info strings already, but a
//! caller holding a raw info string gets the same answer). `ksh` is shell: the checker parses it
//! as bash like `zsh`, and the highlighter always coloured it as bash.

/// Languages whose whole block is shell code.
pub const SHELL: &[&str] = &["bash", "sh", "shell", "zsh", "ksh"];

/// Languages whose `$ `-prompted lines are shell code and the rest is output.
pub const CONSOLE: &[&str] = &["console", "shell-session", "shellsession"];

/// A block of shell code (`bash`, `sh`, `shell`, `zsh`, `ksh`).
pub fn is_shell(lang: &str) -> bool {
    SHELL.iter().any(|l| l.eq_ignore_ascii_case(lang))
}

/// A console transcript (`console`, `shell-session`, `shellsession`).
pub fn is_console(lang: &str) -> bool {
    CONSOLE.iter().any(|l| l.eq_ignore_ascii_case(lang))
}

/// Shell code or a console transcript: a block that holds commands.
pub fn is_shell_or_console(lang: &str) -> bool {
    is_shell(lang) || is_console(lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_and_console_languages() {
        for l in ["bash", "sh", "shell", "zsh", "ksh", "BASH", "Sh"] {
            assert!(is_shell(l) && !is_console(l), "{l}");
        }
        for l in ["console", "shell-session", "shellsession", "ShellSession"] {
            assert!(is_console(l) && !is_shell(l), "{l}");
        }
        for l in ["", "text", "python", "powershell", "fish", "bash-session"] {
            assert!(!is_shell_or_console(l), "{l}");
        }
    }
}
