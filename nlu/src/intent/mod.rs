//! Intent classification: features, a candle-trained linear model, calibration.

pub mod artifacts;
pub mod augment;
pub mod encoder;
pub mod features;
pub mod model;
pub mod shipped;
pub mod train;

pub use encoder::EncoderFeaturizer;
pub use features::{Featurizer, NgramConfig, NgramFeaturizer, SparseVec};
pub use model::{IntentModel, IntentPrediction, Labelled, OUT_OF_SCOPE, OosScore};
pub use train::TrainConfig;
