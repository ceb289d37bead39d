package io.colony.simulations;
