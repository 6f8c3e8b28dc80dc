//! The harness of the test targets that need a part the machine may lack (headless Chromium, a
//! PostgreSQL server): libtest-mimic in place of libtest (`harness = false`), because a libtest test
//! cannot declare itself ignored once it runs, and one that returns early prints as passed.
//!
//! When the part is missing, each test is reported as `ignored (why; how to get it)` and counted
//! with the ignored; with `KOMEK_REQUIRE_BROWSER=1` / `KOMEK_REQUIRE_POSTGRES=1` (as `.ci/run`
//! sets) each fails instead. The command line is libtest's (a name filter, `--exact`, `--list`,
//! `--test-threads`, …). Each test runs on a runtime of its own with two worker threads.

use std::future::Future;
use std::process::ExitCode;
use std::sync::OnceLock;

use libtest_mimic::{Arguments, Completion, Failed, Trial};

/// What the tests of a target need besides the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Chromium and chromedriver ([`crate::browser::browser_tools`]).
    Browser,
    /// A PostgreSQL server at [`crate::postgres::server_url`].
    Postgres,
}

impl Part {
    /// The variable that turns a missing part into failures.
    fn require_var(self) -> &'static str {
        match self {
            Part::Browser => "KOMEK_REQUIRE_BROWSER",
            Part::Postgres => "KOMEK_REQUIRE_POSTGRES",
        }
    }

    fn required(self) -> bool {
        std::env::var(self.require_var()).is_ok_and(|v| !v.is_empty() && v != "0")
    }

    fn remedy(self) -> &'static str {
        match self {
            Part::Browser => ".ci/run installs chromium and chromium-driver",
            Part::Postgres => ".ci/run starts one",
        }
    }

    /// Why the part cannot be used here, or `None`: looked up once per process, when the first
    /// test that needs it runs (so a filter that selects none of them costs nothing).
    fn missing(self) -> Option<&'static str> {
        static BROWSER: OnceLock<Option<String>> = OnceLock::new();
        static POSTGRES: OnceLock<Option<String>> = OnceLock::new();
        let problem = match self {
            Part::Browser => BROWSER.get_or_init(|| {
                crate::browser::browser_tools().err().map(|why| format!("chromium/chromedriver not usable: {why}"))
            }),
            Part::Postgres => POSTGRES.get_or_init(|| runtime().block_on(crate::postgres::server_problem())),
        };
        problem.as_deref()
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a tokio runtime")
}

/// One test of a target that needs `part`: `test` runs on a fresh runtime, a panic fails it.
pub fn trial<F, Fut>(part: Part, name: &str, test: F) -> Trial
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = ()>,
{
    Trial::ignorable_test(name, move || {
        if let Some(why) = part.missing() {
            if part.required() {
                return Err(Failed::from(format!("{} is set but {why}", part.require_var())));
            }
            return Ok(Completion::ignored_with(format!("{why}; {}", part.remedy())));
        }
        runtime().block_on(test());
        Ok(Completion::Completed)
    })
}

/// Runs `trials` with the command line's arguments, as libtest would.
pub fn run(trials: Vec<Trial>) -> ExitCode {
    libtest_mimic::run(&Arguments::from_args(), trials).exit_code()
}

/// The `main` of a test target whose tests (async fns, named once here) need `part`:
/// `komek_tests::trials!(Part::Browser; first_test, second_test);`
#[macro_export]
macro_rules! trials {
    ($part:expr; $($test:ident),+ $(,)?) => {
        fn main() -> ::std::process::ExitCode {
            $crate::trials::run(vec![$($crate::trials::trial($part, stringify!($test), $test)),+])
        }
    };
}
