"""Durable background work, queued in the same transaction as the change that calls for it."""
