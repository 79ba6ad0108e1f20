"""The shared vocabulary every layer speaks: settings, errors, the domain types. Imports nothing of ours."""
