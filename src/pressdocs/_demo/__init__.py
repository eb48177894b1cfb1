"""The demo's sample, shipped inside the package (:mod:`pressdocs._demo.mailbox`)."""
