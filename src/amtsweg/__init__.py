"""Amtsweg – digitale Verwaltung für Kreis und Kommunen."""
