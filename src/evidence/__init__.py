"""evidence: an evidence store and official-document generator for Vietnamese index assessments."""

__version__ = "0.1.0"
