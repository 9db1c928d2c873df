"""Venue adapters: one package a venue over one shared base."""
