"""Text to audio: Vietnamese normalization, sentence splitting, the voices, and the on-disk audio cache."""
