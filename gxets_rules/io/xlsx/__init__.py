"""io/xlsx"""
