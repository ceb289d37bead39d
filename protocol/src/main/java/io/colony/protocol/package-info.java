package io.colony.protocol;
