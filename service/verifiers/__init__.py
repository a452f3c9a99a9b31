"""The verifiers: a claim and its evidence passages → a probability per label (`service.ports.Verifier`).

    nli.py            the default: an NLI cross-encoder trained here, served as int8 ONNX (no torch)
    hf.py             any Hugging Face NLI model (`hf:NAME`), through transformers
    cross_encoder.py  the earlier cross-encoder verifier (safetensors head over frozen MiniLM layers)
    feature.py        the first verifier: a logistic model over hand-made features (features.py)

service/bootstrap.py picks one from `VERICLAIM_MODELS__VERIFIER`; training/ builds them.
"""
