package io.colony.sdk;
