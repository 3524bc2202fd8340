"""Text to audio: Vietnamese normalization, sentence splitting, speech engines and the audio cache."""
