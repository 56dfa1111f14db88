"""What the scripts and the end-to-end tests both need: the simulator and a real Home Assistant as processes.

``processes`` (start, watch and stop them; ports and waits), ``ha_client`` (onboarding, the login flow, HA's REST and
websocket APIs), ``ha_config`` (the configuration folder and the development components it links), ``demo`` (the
simulator's demo account, from its demo data). Nothing here imports test code: ``tests/e2e`` imports from here.
"""
