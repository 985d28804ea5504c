"""Home practice pages: the practitioner's actions on the client page (staff.py) and the client's
own pages in the portal (portal.py)."""
