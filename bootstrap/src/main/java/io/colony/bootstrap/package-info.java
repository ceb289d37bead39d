package io.colony.bootstrap;
