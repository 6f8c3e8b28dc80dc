//! A pretrained BERT-family sentence encoder from a local folder as a [`Featurizer`]: the mean of
//! the token states (attention-masked), L2-normalised. Nothing is ever downloaded; the folder holds
//! `config.json`, `model.safetensors` and `tokenizer.json` as exported by Hugging Face.

use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{Tokenizer, TruncationParams};

use super::features::{Featurizer, SparseVec};
use crate::NluError;

/// Longest input in tokens (special tokens included). Intent lives in the first sentence or two;
/// attention cost grows with the square of the length.
pub const MAX_TOKENS: usize = 128;

/// Characters passed to the tokenizer at most: it tokenizes the whole text before truncating, so a
/// pasted megabyte would cost time for nothing. 16 chars per token is far above any real average.
const MAX_CHARS: usize = MAX_TOKENS * 16;

pub struct EncoderFeaturizer {
    model: BertModel,
    tokenizer: Tokenizer,
    hidden_size: usize,
    device: Device,
}

impl EncoderFeaturizer {
    /// Loads `config.json`, `model.safetensors` and `tokenizer.json` from `dir`.
    pub fn load(dir: &Path) -> Result<Self, NluError> {
        let file = |name: &str| {
            let path = dir.join(name);
            if path.is_file() {
                Ok(path)
            } else {
                Err(NluError::Model(format!("encoder folder {}: {name} is missing", dir.display())))
            }
        };
        let config_path = file("config.json")?;
        let weights_path = file("model.safetensors")?;
        let tokenizer_path = file("tokenizer.json")?;

        let invalid = |path: &Path, e: &dyn std::fmt::Display| NluError::Model(format!("{}: {e}", path.display()));
        let config_text = std::fs::read_to_string(&config_path).map_err(|e| invalid(&config_path, &e))?;
        let config: Config = serde_json::from_str(&config_text).map_err(|e| invalid(&config_path, &e))?;
        // XLM-RoBERTa and friends also load into BertModel (same tensor names) but number positions
        // differently, which would give silently wrong vectors.
        if let Some(kind) = config.model_type.as_deref().filter(|k| *k != "bert") {
            return Err(invalid(&config_path, &format!("model_type {kind:?} is not supported (only \"bert\")")));
        }

        let device = Device::Cpu;
        // SAFETY: the file is memory-mapped; it must not be modified while the model is alive. Model
        // folders are read-only deployment artifacts, and the weights are copied out as F32 tensors
        // at load time anyway when the stored dtype differs.
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[&weights_path], DType::F32, &device) }
            .map_err(|e| invalid(&weights_path, &e))?;
        let model = BertModel::load(vb, &config).map_err(|e| invalid(&weights_path, &e))?;

        let mut tokenizer = Tokenizer::from_file(&tokenizer_path).map_err(|e| invalid(&tokenizer_path, &e))?;
        // Longer inputs would index past the position embeddings.
        let max_length = MAX_TOKENS.min(config.max_position_embeddings);
        tokenizer
            .with_truncation(Some(TruncationParams { max_length, ..Default::default() }))
            .map_err(|e| invalid(&tokenizer_path, &e))?;
        // One text at a time: padding (some exports fix it at 512) would only add masked work.
        tokenizer.with_padding(None);

        Ok(Self { model, tokenizer, hidden_size: config.hidden_size, device })
    }

    /// The mean-pooled, L2-normalised sentence vector (all zeros if there is nothing to pool).
    pub fn embed(&self, text: &str) -> Result<Vec<f32>, NluError> {
        let text = match text.char_indices().nth(MAX_CHARS) {
            Some((end, _)) => &text[..end],
            None => text,
        };
        let encoding = self.tokenizer.encode(text, true).map_err(|e| NluError::Model(format!("tokenizer: {e}")))?;
        let ids = encoding.get_ids();
        // A tokenizer without a post-processor gives no tokens for empty text; BERT cannot run on
        // a zero-length sequence.
        if ids.is_empty() {
            return Ok(vec![0.0; self.hidden_size]);
        }
        let input_ids = Tensor::new(ids, &self.device)?.unsqueeze(0)?;
        // A single segment: all token types are 0.
        let token_type_ids = input_ids.zeros_like()?;
        let mask = Tensor::new(encoding.get_attention_mask(), &self.device)?.unsqueeze(0)?;
        let states = self.model.forward(&input_ids, &token_type_ids, Some(&mask))?; // [1, seq, hidden]

        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?; // [1, seq, 1]
        let summed = states.broadcast_mul(&mask)?.sum(1)?; // [1, hidden]
        let count = mask.sum(1)?.clamp(1e-9f32, f32::MAX)?; // [1, 1]
        let mut v = summed.broadcast_div(&count)?.squeeze(0)?.to_vec1::<f32>()?;

        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm.is_finite() && norm > 0.0 {
            v.iter_mut().for_each(|x| *x /= norm);
        } else {
            v.iter_mut().for_each(|x| *x = 0.0);
        }
        Ok(v)
    }
}

impl Featurizer for EncoderFeaturizer {
    fn dim(&self) -> usize {
        self.hidden_size
    }

    fn kind(&self) -> &'static str {
        "encoder"
    }

    fn features(&self, text: &str) -> SparseVec {
        // The trait cannot fail; a failed forward pass gives the zero vector (no evidence for any
        // intent), and is logged.
        let v = self.embed(text).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "encoder failed; using a zero vector");
            vec![0.0; self.hidden_size]
        });
        v.into_iter().enumerate().map(|(i, x)| (i as u32, x)).collect()
    }
}
