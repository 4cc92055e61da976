        if (ping) {
            int16_t reading = neurocar_whole_cm(distance_cm);
            c->reading_cm = reading;
            neurocar_remember(c, reading);
        } else {
            neurocar_sweep_end(c);
        }
