"""Targets against sales: attainment, the price/volume/mix bridge, drill-down and phasing."""
