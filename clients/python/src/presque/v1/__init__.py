"""Generated from proto/presque/v1 by clients/python/generate.sh; never edited by hand."""
