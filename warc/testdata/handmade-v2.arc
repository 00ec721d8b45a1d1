filedesc://handmade-v2.arc 0.0.0.0 20080501000000 text/plain 200 - - 0 handmade-v2.arc 121
2 0 Harbor Archive
URL IP-address Archive-date Content-type Result-code Checksum Location Offset Filename Archive-length

http://ledger.example/2008/04/30/tolls.html 192.0.2.10 20080501000001 text/html 200 4KXBGV3ZDQ2SUNOEXAMPLE - 0 handmade-v2.arc 861
HTTP/1.1 200 OK
Content-Type: text/html

<html><head><title>Bridge tolls to rise in September</title>
<meta name="date" content="2008-04-30">
</head><body bgcolor="#ffffff"><table><tr><td><a href="/">Ledger front page</a></td></tr></table>
<div class="story"><h2>Bridge tolls to rise in September</h2><p><i>By Marta Olsen, Staff Writer</i></p>
<p>Tolls on the harbor bridge will rise by twenty-five cents in September, the bridge authority decided at its monthly meeting on Tuesday afternoon.</p>
<p>The authority said the increase would pay for repainting the steel spans, which inspectors found rusting at several joints during last year's survey.</p>
<p>Commuters with monthly passes will see a smaller increase, and the overnight discount for lorries will stay as it is until the end of the year.</p>
</div><p>&copy; 2008 Harbor Ledger</p></body></html>

