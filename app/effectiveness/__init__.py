"""effectiveness"""
