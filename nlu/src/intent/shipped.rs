//! Training the model the bot ships with, from the content in `models/content`.

use super::augment::augment;
use super::model::IntentModel;
use super::{NgramConfig, TrainConfig};
use crate::NluError;
use crate::content::Content;
use crate::rng::SplitMix64;

/// Settings for the shipped model: a few thousand short examples in 11 languages.
pub fn shipped_train_config() -> TrainConfig {
    TrainConfig { epochs: 15, batch_size: 16, learning_rate: 0.005, hidden: 64, members: 2, ..TrainConfig::default() }
}

/// Settings for training on a labelled file (`komek nlu eval-intent --train`): small sets need more
/// passes over the data than large ones.
pub fn public_benchmark_config(examples: usize) -> TrainConfig {
    let (epochs, batch_size) = if examples < 2000 { (20, 16) } else { (8, 32) };
    TrainConfig { epochs, batch_size, learning_rate: 0.005, hidden: 64, members: 4, dropout: 0.2, ..TrainConfig::default() }
}

/// What the artifacts must have been trained from to be current: the content and the training
/// settings (a change to either retrains).
pub fn artifact_key(content: &Content) -> String {
    use sha2::{Digest, Sha256};
    let settings = format!(
        "{:?} {:?} {CALIBRATION_SHARE} features v{} augmentation {} thresholds {}",
        shipped_train_config(),
        NgramConfig::default(),
        super::features::FEATURIZER_VERSION,
        super::augment::AUGMENTATION,
        super::model::THRESHOLD_SETTINGS,
    );
    let digest = Sha256::digest(format!("{}\n{settings}", content.hash).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Share of each intent's examples held back to fit the calibration before the final training.
const CALIBRATION_SHARE: f64 = 0.15;

/// Trains on a stratified 85% of the content (with its typed variants, see [`augment`]), fits
/// temperature, out-of-scope threshold and the per-intent action thresholds on the other 15% (and
/// its variants), then trains on everything and keeps that calibration. Weights are rounded to the
/// f16 precision they are stored in, so a saved and reloaded model predicts exactly the same.
pub fn train_shipped(content: &Content, progress: &mut dyn FnMut(&str, usize, usize)) -> Result<IntentModel, NluError> {
    let config = shipped_train_config();
    let (fit, held) = stratified_split(&content.examples, |e| e.intent.as_str(), CALIBRATION_SHARE, config.seed);
    let (fit, held) = (augment(&fit), augment(&held));
    let mut probe = IntentModel::train(&fit, NgramConfig::default(), &config, &mut |d, n| progress("calibration model", d, n))?;
    probe.round_to_f16();
    probe.calibrate(&held);
    let careful: Vec<String> = content.intents.iter().filter(|i| i.careful || i.sensitive || i.handoff).map(|i| i.name.clone()).collect();
    probe.fit_thresholds(&held, &careful);
    let data = augment(&content.examples);
    let mut model = IntentModel::train(&data, NgramConfig::default(), &config, &mut |d, n| progress("final model", d, n))?;
    model.round_to_f16();
    model.temperature = probe.temperature;
    model.oos_threshold = probe.oos_threshold;
    model.oos_score = probe.oos_score;
    model.thresholds = probe.thresholds;
    Ok(model)
}

/// Deterministic split that holds back `share` of every label's examples.
pub fn stratified_split<T: Clone>(data: &[T], label_of: impl Fn(&T) -> &str, share: f64, seed: u64) -> (Vec<T>, Vec<T>) {
    let mut labels: Vec<&str> = data.iter().map(&label_of).collect();
    labels.sort_unstable();
    labels.dedup();
    let mut rng = SplitMix64::new(seed ^ 0x5eed);
    let (mut fit, mut held) = (Vec::new(), Vec::new());
    for label in labels {
        let mut items: Vec<&T> = data.iter().filter(|d| label_of(d) == label).collect();
        rng.shuffle(&mut items);
        let n_held = ((items.len() as f64) * share).round() as usize;
        for (i, item) in items.into_iter().enumerate() {
            if i < n_held { held.push(item.clone()) } else { fit.push(item.clone()) }
        }
    }
    (fit, held)
}
