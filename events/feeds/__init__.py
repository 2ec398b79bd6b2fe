"""Feed sync: pull the iCal calendars structures already keep, safely and on a schedule."""
