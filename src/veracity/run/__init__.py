"""What a run is made of: its typed spec (what the store keeps, what a resume reads back) and
the tools it uses (store, providers, reader, corpus, embedder, model, judge)."""
