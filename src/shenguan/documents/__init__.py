"""Seals and electronic licences (电子证照与印章): signed PDFs of the licence register."""
