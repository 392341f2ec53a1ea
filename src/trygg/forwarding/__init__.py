"""Residents' tips forwarded to the department that fixes things: destinations per municipality and category,
and Trygg as an Open311 GeoReport v2 client that posts the tip and polls its status back."""
