//! Saving and loading a trained intent model: `model.safetensors` (vocabulary and weights; large
//! matrices in f16) and `config.json` (labels, settings, calibration, the content hash it was
//! trained from) in one folder.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use half::f16;
use safetensors::tensor::{Dtype, TensorView};
use serde::{Deserialize, Serialize};

use super::features::{NgramConfig, NgramFeaturizer};
use super::model::{IntentModel, OosScore};
use super::train::HeadWeights;
use crate::NluError;

pub const WEIGHTS_FILE: &str = "model.safetensors";
pub const CONFIG_FILE: &str = "config.json";
const FORMAT: u32 = 1;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ArtifactConfig {
    pub format: u32,
    pub featurizer: String,
    pub ngram: NgramConfig,
    pub labels: Vec<String>,
    pub hidden: usize,
    pub members: usize,
    pub temperature: f32,
    pub oos_threshold: f32,
    #[serde(default)]
    pub oos_score: OosScore,
    /// Hash of the content the model was trained from (see `Content::hash`).
    pub content_hash: String,
    /// Per-intent action thresholds (absent in models trained before they existed).
    #[serde(default)]
    pub thresholds: BTreeMap<String, f32>,
}

/// Reads only `config.json` (cheap), e.g. to see whether the model matches the content.
pub fn read_config(dir: &Path) -> Result<ArtifactConfig, NluError> {
    let path = dir.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&path).map_err(|source| NluError::Io { path: path.display().to_string(), source })?;
    serde_json::from_str(&text).map_err(|e| NluError::Model(format!("{}: {e}", path.display())))
}

pub fn save(model: &IntentModel, dir: &Path, content_hash: &str) -> Result<(), NluError> {
    std::fs::create_dir_all(dir).map_err(|source| NluError::Io { path: dir.display().to_string(), source })?;
    let ngram = model
        .featurizer
        .as_ngram()
        .ok_or_else(|| NluError::Model(format!("saving a {} featuriser is not supported", model.featurizer.kind())))?;
    let (hashes, idf) = ngram.to_arrays();
    let mut buffers: Vec<(String, Dtype, Vec<usize>, Vec<u8>)> = vec![
        ("vocab.hash".into(), Dtype::U64, vec![hashes.len()], hashes.iter().flat_map(|h| h.to_le_bytes()).collect()),
        ("vocab.idf".into(), Dtype::F32, vec![idf.len()], f32_bytes(&idf)),
    ];
    for (k, head) in model.heads.iter().enumerate() {
        buffers.push((format!("head{k}.w1"), Dtype::F16, vec![head.dim, head.width()], f16_bytes(&head.w1)));
        buffers.push((format!("head{k}.b1"), Dtype::F32, vec![head.b1.len()], f32_bytes(&head.b1)));
        if head.hidden > 0 {
            buffers.push((format!("head{k}.w2"), Dtype::F16, vec![head.hidden, head.classes], f16_bytes(&head.w2)));
            buffers.push((format!("head{k}.b2"), Dtype::F32, vec![head.b2.len()], f32_bytes(&head.b2)));
        }
    }
    let views: Vec<(String, TensorView)> = buffers
        .iter()
        .map(|(name, dtype, shape, data)| {
            TensorView::new(*dtype, shape.clone(), data).map(|v| (name.clone(), v)).map_err(|e| NluError::Model(e.to_string()))
        })
        .collect::<Result<_, _>>()?;
    let path = dir.join(WEIGHTS_FILE);
    safetensors::serialize_to_file(views, None, &path).map_err(|e| NluError::Model(format!("{}: {e}", path.display())))?;

    let config = ArtifactConfig {
        format: FORMAT,
        featurizer: "ngram-tfidf".into(),
        ngram: ngram.config.clone(),
        labels: model.labels.clone(),
        hidden: model.heads.first().map_or(0, |h| h.hidden),
        members: model.heads.len(),
        temperature: model.temperature,
        oos_threshold: model.oos_threshold,
        oos_score: model.oos_score,
        content_hash: content_hash.to_string(),
        thresholds: model.thresholds.clone(),
    };
    let path = dir.join(CONFIG_FILE);
    let json = serde_json::to_string_pretty(&config).map_err(|e| NluError::Model(e.to_string()))?;
    std::fs::write(&path, json + "\n").map_err(|source| NluError::Io { path: path.display().to_string(), source })
}

pub fn load(dir: &Path) -> Result<(IntentModel, ArtifactConfig), NluError> {
    let config = read_config(dir)?;
    if config.format != FORMAT || config.featurizer != "ngram-tfidf" {
        return Err(NluError::Model(format!("{}: unsupported model format", dir.display())));
    }
    let path = dir.join(WEIGHTS_FILE);
    let bytes = std::fs::read(&path).map_err(|source| NluError::Io { path: path.display().to_string(), source })?;
    let st = safetensors::SafeTensors::deserialize(&bytes).map_err(|e| NluError::Model(format!("{}: {e}", path.display())))?;
    let tensors: HashMap<String, TensorView> = st.tensors().into_iter().collect();
    let get = |name: &str, dtype: Dtype| -> Result<&TensorView, NluError> {
        let t = tensors.get(name).ok_or_else(|| NluError::Model(format!("{}: missing tensor {name}", path.display())))?;
        if t.dtype() != dtype {
            return Err(NluError::Model(format!("{}: tensor {name} has type {:?}", path.display(), t.dtype())));
        }
        Ok(t)
    };
    let hashes: Vec<u64> = get("vocab.hash", Dtype::U64)?.data().chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap())).collect();
    let idf = read_f32(get("vocab.idf", Dtype::F32)?.data());
    if hashes.len() != idf.len() {
        return Err(NluError::Model(format!("{}: vocabulary sizes differ", path.display())));
    }
    let featurizer = NgramFeaturizer::from_arrays(config.ngram.clone(), &hashes, &idf);
    let classes = config.labels.len();
    let width = if config.hidden > 0 { config.hidden } else { classes };
    let mut heads = Vec::with_capacity(config.members);
    for k in 0..config.members {
        let w1 = read_f16(get(&format!("head{k}.w1"), Dtype::F16)?.data());
        let b1 = read_f32(get(&format!("head{k}.b1"), Dtype::F32)?.data());
        let (w2, b2) = if config.hidden > 0 {
            (read_f16(get(&format!("head{k}.w2"), Dtype::F16)?.data()), read_f32(get(&format!("head{k}.b2"), Dtype::F32)?.data()))
        } else {
            (Vec::new(), Vec::new())
        };
        let head = HeadWeights { dim: hashes.len(), classes, hidden: config.hidden, w1, b1, w2, b2 };
        if head.w1.len() != head.dim * width || head.b1.len() != width || head.w2.len() != config.hidden * classes {
            return Err(NluError::Model(format!("{}: head {k} has the wrong shape", path.display())));
        }
        heads.push(head);
    }
    let model = IntentModel {
        featurizer: Box::new(featurizer),
        labels: config.labels.clone(),
        heads,
        temperature: config.temperature,
        oos_threshold: config.oos_threshold,
        oos_score: config.oos_score,
        thresholds: config.thresholds.clone(),
    };
    Ok((model, config))
}

fn f32_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn f16_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| f16::from_f32(*x).to_le_bytes()).collect()
}

fn read_f32(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect()
}

fn read_f16(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(2).map(|c| f16::from_le_bytes(c.try_into().unwrap()).to_f32()).collect()
}
