"""Body maps: atlas, client paintings, practitioner charts, touch consent, analysis."""
