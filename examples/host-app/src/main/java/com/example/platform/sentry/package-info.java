/**
 * "Connect to Sentry" in Example Platform: who the caller is for sentry-connect (from the platform's own login), and
 * the platform's code that calls Sentry through it. Nothing else of the platform knows the plugin.
 */
package com.example.platform.sentry;
