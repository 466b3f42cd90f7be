"""Action items: what the city or the vendor agreed to do about a contract's results, and by when."""
