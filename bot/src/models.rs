//! Finding, training and loading the NLU artifacts next to the content in `models/`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use komek_nlu::content::Content;
use komek_nlu::intent::artifacts;
use komek_nlu::intent::shipped::{artifact_key, train_shipped};

/// Where the content and the trained artifacts live.
#[derive(Clone, Debug)]
pub struct ModelPaths {
    pub root: PathBuf,
}

impl ModelPaths {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
    pub fn content(&self) -> PathBuf {
        self.root.join("content")
    }
    pub fn intent(&self) -> PathBuf {
        self.root.join("intent")
    }
}

pub enum TrainOutcome {
    UpToDate { hash: String },
    Trained { seconds: f64, bytes: u64 },
}

/// Trains the intent model from the content unless the saved one was trained from the same content.
pub fn train_if_needed(paths: &ModelPaths, force: bool, show_progress: bool) -> anyhow::Result<TrainOutcome> {
    let content = Content::load(&paths.content())?;
    let key = artifact_key(&content);
    if !force && artifacts::read_config(&paths.intent()).is_ok_and(|c| c.content_hash == key) {
        return Ok(TrainOutcome::UpToDate { hash: key });
    }
    let bar = if show_progress { ProgressBar::new(0) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{msg:>18} [{bar:30}] {pos}/{len} heads  {elapsed}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    let started = Instant::now();
    tracing::info!(examples = content.examples.len(), "training the intent model");
    let model = train_shipped(&content, &mut |stage, done, total| {
        bar.set_message(stage.to_string());
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    artifacts::save(&model, &paths.intent(), &key)?;
    let bytes = dir_size(&paths.intent());
    Ok(TrainOutcome::Trained { seconds: started.elapsed().as_secs_f64(), bytes })
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum())
        .unwrap_or(0)
}
