"""Messages to members (SMS, WhatsApp, e-mail) behind one interface."""
