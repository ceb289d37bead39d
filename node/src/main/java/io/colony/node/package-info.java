package io.colony.node;
