"""evaluate/plan"""
