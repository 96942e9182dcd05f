"""The shared vocabularies: body regions, sides, complaints, times of day, frequencies."""
