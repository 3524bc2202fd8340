"""Text to audio: what an article says, the voices that say it, and the on-disk audio cache."""
