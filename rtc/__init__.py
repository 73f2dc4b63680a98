"""WebRTC: signalling helpers, ICE/TURN configuration and the recording peer.

It never imports ``server``; see ARCHITECTURE.md.
"""
