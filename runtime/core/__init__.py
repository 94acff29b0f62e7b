"""What every family is built from: commands, facts, operations, reach."""
