"""BrewPi line protocol: framing, typed messages and an asyncio client (no Home Assistant imports)."""
