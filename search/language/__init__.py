"""The text side: what Vietnamese text is, before any index or query.

NFC and folding (text), tone placement (tones), Roman numerals (roman), word
segmentation (segmenter), the Whoosh analyzers built from them (analysis) and
the build's syllable counts that restoration reads (ngrams). Imports nothing
else of search/: every other room stands on this one.
"""
