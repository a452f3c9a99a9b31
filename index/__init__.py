"""Documents → sentence-aware chunks with offsets → embeddings → FAISS + BM25 store on disk."""
