"""evaluate/ownership"""
