"""The planner command line, configuration, pipeline, MOSS checks and risk."""
