//! The intent model: featuriser + linear head + calibration (temperature and out-of-scope threshold).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::features::{Featurizer, NgramConfig, NgramFeaturizer, SparseVec};
use super::train::{HeadWeights, TrainConfig, train_head};
use crate::NluError;

/// The label that means "none of the intents".
pub const OUT_OF_SCOPE: &str = "oos";

/// How much in-scope accuracy (on development data) the out-of-scope threshold may cost.
pub const MAX_IN_SCOPE_LOSS: f64 = 0.01;

#[derive(Clone, Debug, PartialEq)]
pub struct IntentPrediction {
    /// The winning intent, or [`OUT_OF_SCOPE`].
    pub name: String,
    /// Calibrated probability of the top-ranked intent.
    pub confidence: f32,
    /// Every intent with its calibrated probability, best first.
    pub ranking: Vec<(String, f32)>,
}

impl IntentPrediction {
    /// The same ranking with out of scope as the outcome, certain.
    pub fn out_of_scope(mut self) -> Self {
        self.name = OUT_OF_SCOPE.to_string();
        self.confidence = 1.0;
        self.ranking.retain(|(n, _)| n != OUT_OF_SCOPE);
        self.ranking.iter_mut().for_each(|(_, p)| *p = 0.0);
        self.ranking.insert(0, (OUT_OF_SCOPE.to_string(), 1.0));
        self
    }
}

pub struct IntentModel {
    /// The n-gram featuriser, or any other (e.g. a pretrained encoder) behind the same interface.
    pub featurizer: Box<dyn Featurizer>,
    pub labels: Vec<String>,
    /// One or more heads trained with different seeds; their scores are averaged.
    pub heads: Vec<HeadWeights>,
    /// Softmax temperature fitted on development data (1 = none).
    pub temperature: f32,
    /// Below this value of `oos_score` the outcome is out of scope.
    pub oos_threshold: f32,
    /// Which confidence the out-of-scope threshold applies to (chosen on development data).
    pub oos_score: OosScore,
    /// Per intent, the confidence from which the bot may act on it (see [`IntentModel::fit_thresholds`]).
    pub thresholds: BTreeMap<String, f32>,
}

/// Action thresholds weigh, on held-out examples, what acting is worth against asking: a right
/// action +1, a wrong one costs [`WRONG_ACTION_COST`] (more for intents that change something for
/// the customer), and a clarification costs [`CLARIFY_COST`] (a turn); the threshold is the
/// confidence that maximises the sum, kept within [`THRESHOLD_RANGE`] (careful intents from
/// [`CAREFUL_FLOOR`]: a held-out set with few of their examples must not let the bot cancel an
/// order on a coin toss). With calibrated probabilities these costs act from about 0.5 on routine
/// intents and 0.8 on careful ones.
const WRONG_ACTION_COST: f64 = 2.0;
const WRONG_CAREFUL_ACTION_COST: f64 = 6.0;
const CLARIFY_COST: f64 = 0.5;
const THRESHOLD_RANGE: (f32, f32) = (0.4, 0.9);
const CAREFUL_FLOOR: f32 = 0.7;

/// The threshold settings, for the artifact key (a change retrains).
pub const THRESHOLD_SETTINGS: &str = "utility +1/-2/-6 clarify -0.5 [0.4,0.9] careful from 0.7 v4";

/// The measure of confidence that decides "out of scope".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OosScore {
    /// The calibrated probability of the best intent.
    #[default]
    Probability,
    /// The best intent's raw score (before the softmax): unlike a probability it does not rise just
    /// because every other intent fits even worse.
    MaxLogit,
}

impl OosScore {
    pub fn score(self, scores: &[f32], temperature: f32) -> f32 {
        match self {
            OosScore::Probability => softmax(scores, temperature).into_iter().fold(0.0, f32::max),
            OosScore::MaxLogit => scores.iter().copied().fold(f32::MIN, f32::max),
        }
    }
}

/// A labelled training or evaluation text.
#[derive(Clone, Debug)]
pub struct Labelled {
    pub text: String,
    pub label: String,
}

impl IntentModel {
    /// Fits the featuriser and trains the head. Labels are sorted for a stable order; an `oos`
    /// label in the data becomes a class of its own.
    pub fn train(
        data: &[Labelled],
        ngrams: NgramConfig,
        config: &TrainConfig,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Self, NluError> {
        let featurizer = NgramFeaturizer::fit(ngrams, data.iter().map(|d| d.text.as_str()));
        Self::train_with(Box::new(featurizer), data, config, progress)
    }

    /// Trains the head over a given featuriser (fitted already, if it needs fitting).
    pub fn train_with(
        featurizer: Box<dyn Featurizer>,
        data: &[Labelled],
        config: &TrainConfig,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Self, NluError> {
        let mut labels: Vec<String> = data.iter().map(|d| d.label.clone()).collect();
        labels.sort();
        labels.dedup();
        let x: Vec<SparseVec> = data.iter().map(|d| featurizer.features(&d.text)).collect();
        let y: Vec<u32> = data.iter().map(|d| labels.binary_search(&d.label).unwrap() as u32).collect();
        let members = config.members.max(1);
        let dim = featurizer.dim();
        let classes = labels.len();
        // Members train side by side, two at a time (the machine this is sized for has two cores).
        let mut heads = Vec::with_capacity(members);
        let mut done = 0;
        for chunk in (0..members).collect::<Vec<_>>().chunks(2) {
            let results: Vec<Result<HeadWeights, NluError>> = std::thread::scope(|scope| {
                let handles: Vec<_> = chunk
                    .iter()
                    .map(|k| {
                        let cfg = TrainConfig { seed: config.seed.wrapping_add(*k as u64 * 7919), ..config.clone() };
                        let (x, y) = (&x, &y);
                        scope.spawn(move || train_head(x, y, dim, classes, &cfg, &mut |_, _| {}))
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().expect("training thread")).collect()
            });
            for r in results {
                heads.push(r?);
                done += 1;
                progress(done, members);
            }
        }
        Ok(Self {
            featurizer,
            labels,
            heads,
            temperature: 1.0,
            oos_threshold: f32::MIN,
            oos_score: OosScore::Probability,
            thresholds: BTreeMap::new(),
        })
    }

    /// Rounds the weights to f16 precision, the precision of the saved artifacts.
    pub fn round_to_f16(&mut self) {
        let round = |v: &mut Vec<f32>| v.iter_mut().for_each(|x| *x = half::f16::from_f32(*x).to_f32());
        for head in &mut self.heads {
            round(&mut head.w1);
            round(&mut head.w2);
        }
    }

    /// Raw (uncalibrated) class scores.
    pub fn scores(&self, text: &str) -> Vec<f32> {
        self.scores_of(&self.featurizer.features(text))
    }

    /// Raw class scores of an already featurised text.
    pub fn scores_of(&self, x: &SparseVec) -> Vec<f32> {
        let mut total = vec![0f32; self.labels.len()];
        for head in &self.heads {
            total.iter_mut().zip(head.scores(x)).for_each(|(t, s)| *t += s);
        }
        let n = self.heads.len().max(1) as f32;
        total.iter_mut().for_each(|t| *t /= n);
        total
    }

    pub fn predict(&self, text: &str) -> IntentPrediction {
        self.predict_features(&self.featurizer.features(text))
    }

    /// The prediction for an already featurised text.
    pub fn predict_features(&self, x: &SparseVec) -> IntentPrediction {
        let scores = self.scores_of(x);
        let probs = softmax(&scores, self.temperature);
        let mut ranking: Vec<(String, f32)> = self.labels.iter().cloned().zip(probs).collect();
        ranking.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let (top, confidence) = ranking[0].clone();
        let in_doubt = self.oos_score.score(&scores, self.temperature) < self.oos_threshold;
        let name = if in_doubt { OUT_OF_SCOPE.to_string() } else { top };
        IntentPrediction { name, confidence, ranking }
    }

    /// The confidence from which the bot may act on `intent` (`None` when none was fitted: act on
    /// any prediction, as before thresholds existed).
    pub fn threshold(&self, intent: &str) -> Option<f32> {
        self.thresholds.get(intent).copied()
    }

    /// Fits a threshold per intent on held-out examples (never on test data): the confidence
    /// from which acting on predictions of the intent does more good than asking (see
    /// [`WRONG_ACTION_COST`]); `careful` names the intents whose wrong action costs more.
    pub fn fit_thresholds(&mut self, held: &[Labelled], careful: &[String]) {
        let predicted: Vec<(IntentPrediction, &str)> = held.iter().map(|d| (self.predict(&d.text), d.label.as_str())).collect();
        let mut out = BTreeMap::new();
        for label in self.labels.iter().filter(|l| *l != OUT_OF_SCOPE) {
            let mut as_label: Vec<(f32, bool)> =
                predicted.iter().filter(|(p, _)| p.name == *label).map(|(p, g)| (p.confidence, g == label)).collect();
            if as_label.is_empty() {
                continue;
            }
            as_label.sort_by(|a, b| a.0.total_cmp(&b.0));
            let cost = if careful.contains(label) { WRONG_CAREFUL_ACTION_COST } else { WRONG_ACTION_COST };
            // Acting from as_label[i] on: everything below is asked about.
            let utility = |i: usize| {
                let acted: f64 = as_label[i..].iter().map(|(_, ok)| if *ok { 1.0 } else { -cost }).sum();
                acted - CLARIFY_COST * i as f64
            };
            let best = (0..as_label.len()).map(|i| (utility(i), i)).fold((f64::MIN, 0), |b, x| if x.0 > b.0 { x } else { b });
            let floor = if careful.contains(label) { CAREFUL_FLOOR } else { THRESHOLD_RANGE.0 };
            let t = if best.1 == 0 { floor } else { as_label[best.1].0 };
            out.insert(label.clone(), t.clamp(floor, THRESHOLD_RANGE.1));
        }
        self.thresholds = out;
    }

    /// Fits the temperature (least negative log-likelihood) and, when `dev` has out-of-scope
    /// lines, the out-of-scope threshold (see [`MAX_IN_SCOPE_LOSS`]).
    pub fn calibrate(&mut self, dev: &[Labelled]) {
        let scored: Vec<(Vec<f32>, Option<usize>)> = dev
            .iter()
            .map(|d| (self.scores(&d.text), self.labels.iter().position(|l| *l == d.label)))
            .collect();
        let known: Vec<&(Vec<f32>, Option<usize>)> = scored.iter().filter(|s| s.1.is_some()).collect();
        if !known.is_empty() {
            let nll = |t: f32| -> f64 {
                known.iter().map(|(s, y)| -(softmax(s, t)[y.unwrap()].max(1e-12) as f64).ln()).sum()
            };
            let grid: Vec<f32> = (1..=60).map(|i| i as f32 * 0.05).collect();
            self.temperature = grid.into_iter().min_by(|a, b| nll(*a).total_cmp(&nll(*b))).unwrap_or(1.0);
        }
        let oos: Vec<&(Vec<f32>, Option<usize>)> =
            scored.iter().zip(dev).filter(|(_, d)| d.label == OUT_OF_SCOPE).map(|(s, _)| s).collect();
        if oos.is_empty() || known.is_empty() {
            return;
        }
        let oos_class = self.labels.iter().position(|l| l == OUT_OF_SCOPE);
        let temperature = self.temperature;
        let mut chosen = (f64::MIN, OosScore::Probability, 0.0f32);
        for kind in [OosScore::Probability, OosScore::MaxLogit] {
            let top = |s: &Vec<f32>| -> (usize, f32) {
                let best = s.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map(|(i, _)| i).unwrap_or(0);
                (best, kind.score(s, temperature))
            };
            let in_scope: Vec<(usize, f32, usize)> = known
                .iter()
                .filter(|(_, y)| Some(y.unwrap()) != oos_class)
                .map(|(s, y)| {
                    let (c, p) = top(s);
                    (c, p, y.unwrap())
                })
                .collect();
            let out: Vec<(usize, f32)> = oos.iter().map(|(s, _)| top(s)).collect();
            let accuracy = |t: f32| {
                in_scope.iter().filter(|(c, p, y)| c == y && *p >= t).count() as f64 / in_scope.len().max(1) as f64
            };
            let recall =
                |t: f32| out.iter().filter(|(c, p)| Some(*c) == oos_class || *p < t).count() as f64 / out.len() as f64;
            // Catch as much out-of-scope text as possible while giving up at most MAX_IN_SCOPE_LOSS of
            // the in-scope accuracy: a customer with a real request should rarely hear "I don't know".
            let mut thresholds: Vec<f32> = in_scope.iter().map(|x| x.1).chain(out.iter().map(|x| x.1)).collect();
            thresholds.sort_by(f32::total_cmp);
            let floor = accuracy(f32::MIN) - MAX_IN_SCOPE_LOSS;
            let mut best = (recall(f32::MIN), f32::MIN);
            let stride = (thresholds.len() / 400).max(1);
            for t in thresholds.iter().step_by(stride) {
                if accuracy(*t) >= floor && recall(*t) > best.0 {
                    best = (recall(*t), *t);
                }
            }
            if best.0 > chosen.0 {
                chosen = (best.0, kind, best.1);
            }
        }
        self.oos_score = chosen.1;
        self.oos_threshold = chosen.2;
    }
}

pub fn softmax(scores: &[f32], temperature: f32) -> Vec<f32> {
    let t = temperature.max(1e-3);
    let max = scores.iter().copied().fold(f32::MIN, f32::max);
    let exps: Vec<f32> = scores.iter().map(|s| ((s - max) / t).exp()).collect();
    let sum: f32 = exps.iter().sum();
    exps.into_iter().map(|e| e / sum).collect()
}
