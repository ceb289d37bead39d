package io.colony.cli;
