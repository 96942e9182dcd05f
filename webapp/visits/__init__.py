"""Sessions (visits), the findings made in them, and the client's sensations and ratings."""
